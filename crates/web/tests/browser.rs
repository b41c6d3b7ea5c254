//! End-to-end tests in a real browser: Debian's Chromium, headless, driven
//! over WebDriver (chromedriver) against the real server started in-process
//! on a free port, on SQLite and on PostgreSQL.
//!
//! Off CI, a missing browser or axe-core (`RAPPORT_AXE_JS`, the path of
//! `axe.min.js`; `.ci/run` installs it) skips the test with a loud SKIPPED;
//! with `CI=true` it is a failure. Screenshots are written to
//! `RAPPORT_SCREENSHOTS` (default: a `screenshots` folder in Cargo's
//! temporary directory for tests): `inbox` and `ticket` by
//! `an_agent_works_a_mailed_in_ticket_and_the_coach_speaks_up`,
//! `ticket-coach` and `portal` by scenario 1
//! (`a_portal_request_is_taken_coached_sent_and_answered_live`).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

#[path = "api/harness.rs"]
#[allow(dead_code)]
mod harness;

#[path = "browser/admin.rs"]
mod admin;
#[path = "browser/languages.rs"]
mod languages;
#[path = "browser/notifications.rs"]
mod notifications;
#[path = "browser/portal_live.rs"]
mod portal_live;
#[path = "browser/scenarios.rs"]
mod scenarios;
#[path = "browser/search.rs"]
mod search;
#[path = "browser/ui.rs"]
mod ui;

use fantoccini::{Client, ClientBuilder, Locator};
use harness::{Backend, Harness};
use serde_json::{Value, json};
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// Marks a script of an attacker that ran.
const XSS: &str = "window.__xss=1;alert(1)";

fn on_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// What the browser tests need, or why they cannot run here.
fn requirements() -> Option<String> {
    let missing = if !std::path::Path::new(CHROMEDRIVER).exists()
        || !std::path::Path::new(CHROMIUM).exists()
    {
        Some(format!(
            "Chromium ({CHROMIUM}) and chromedriver ({CHROMEDRIVER})"
        ))
    } else {
        match std::env::var("RAPPORT_AXE_JS") {
            Ok(path) if std::path::Path::new(&path).exists() => return Some(path),
            _ => Some("axe-core (set RAPPORT_AXE_JS to axe.min.js)".into()),
        }
    };
    let missing = missing.unwrap_or_default();
    if on_ci() {
        panic!("browser tests: {missing} missing on CI");
    }
    eprintln!("\n*** SKIPPED browser tests: {missing} missing ***\n");
    None
}

/// The running server, chromedriver and a browser session.
struct Session {
    h: Harness,
    base: String,
    client: Client,
    axe: String,
    /// chromedriver's address, for a second browser.
    driver_url: String,
    _driver: tokio::process::Child,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
}

/// A new browser session on chromedriver.
async fn connect(driver_url: &str) -> Client {
    connect_with(driver_url, &[]).await
}

/// A new browser session on chromedriver, Chromium started with `extra`
/// switches too (`--force-dark-mode`: the system setting is dark).
async fn connect_with(driver_url: &str, extra: &[&str]) -> Client {
    let mut args = vec![
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1280,860",
    ];
    args.extend_from_slice(extra);
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({ "binary": CHROMIUM, "args": args }),
    );
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    ClientBuilder::new(connector)
        .capabilities(caps)
        .connect(driver_url)
        .await
        .expect("a browser session")
}

async fn free_port() -> u16 {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    l.local_addr().unwrap().port()
}

impl Session {
    async fn start(backend: Backend, name: &str) -> Option<Self> {
        Self::start_with(backend, name, |_| {}).await
    }

    /// [`Self::start`] with settings changed by `adjust`.
    async fn start_with(
        backend: Backend,
        name: &str,
        adjust: impl FnOnce(&mut rapport_app::AppConfig),
    ) -> Option<Self> {
        let axe_path = requirements()?;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let mut config = rapport_app::AppConfig {
            public_base_url: base.clone(),
            ..rapport_app::AppConfig::default()
        };
        adjust(&mut config);
        let h = Harness::with_config(backend, name, config).await?;
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(rapport_web::serve(listener, h.app.clone(), async {
            let _ = stopped.await;
        }));
        let port = free_port().await;
        let driver = tokio::process::Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("start chromedriver");
        let mut ready = false;
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                ready = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(ready, "chromedriver did not start");
        let driver_url = format!("http://127.0.0.1:{port}");
        let client = connect(&driver_url).await;
        Some(Self {
            h,
            base,
            client,
            driver_url,
            axe: std::fs::read_to_string(axe_path).expect("read axe-core"),
            _driver: driver,
            stop: Some(stop),
            server,
        })
    }

    async fn finish(mut self) {
        let _ = self.client.close().await;
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = tokio::time::timeout(Duration::from_secs(5), &mut self.server).await;
        self.h.finish().await;
    }

    async fn goto(&self, path: &str) {
        self.client
            .goto(&format!("{}{path}", self.base))
            .await
            .unwrap();
        self.no_script_ran(path).await;
    }

    /// Fails if an attacker's script ran: a dialog is open or the marker is set.
    async fn no_script_ran(&self, page: &str) {
        no_script_ran_in(&self.client, page).await;
    }

    async fn fill(&self, css: &str, text: &str) {
        fill_in(&self.client, css, text).await;
    }

    async fn click(&self, css: &str) {
        click_in(&self.client, css).await;
    }

    /// Clicks something that loads a new page, and waits until it has.
    async fn follow(&self, css: &str) {
        follow_in(&self.client, css).await;
    }

    async fn text(&self) -> String {
        main_text(&self.client).await
    }

    /// Runs axe-core on the page; fails on serious or critical violations.
    async fn accessible(&self, page: &str) {
        accessible_in(&self.client, &self.axe, page).await;
    }

    async fn screenshot(&self, name: &str) {
        screenshot_of(&self.client, name).await;
    }

    async fn sign_in(&self, email: &str) {
        sign_in_as(&self.client, &self.base, email).await;
    }

    /// A second browser, for another person, on this server.
    async fn another_browser(&self) -> Client {
        connect(&self.driver_url).await
    }
}

/// Runs axe-core (the script `axe`) on the page in `client`; fails on
/// serious or critical violations.
async fn accessible_in(client: &Client, axe: &str, page: &str) {
    client.execute(axe, vec![]).await.unwrap();
    let found = client
        .execute_async(
            "const done = arguments[arguments.length - 1];\
             axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations\
               .filter(v => v.impact === 'serious' || v.impact === 'critical')\
               .map(v => v.id + ': ' + v.help + ' ' + v.nodes.map(n => n.target.join(' ')).join(', '))));",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        found,
        json!([]),
        "{page}: serious or critical accessibility violations"
    );
}

/// Writes what `client` shows to `<name>.png` in `RAPPORT_SCREENSHOTS`
/// (default: `screenshots` in Cargo's temporary folder for tests).
async fn screenshot_of(client: &Client, name: &str) {
    let dir = std::env::var("RAPPORT_SCREENSHOTS")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("screenshots"));
    std::fs::create_dir_all(&dir).unwrap();
    let png = client.screenshot().await.unwrap();
    let path = dir.join(format!("{name}.png"));
    std::fs::write(&path, png).unwrap();
    eprintln!("screenshot: {}", path.display());
}

/// Fails if an attacker's script ran in `client`: a dialog is open or the
/// marker is set.
async fn no_script_ran_in(client: &Client, page: &str) {
    if let Ok(text) = client.get_alert_text().await {
        panic!("{page}: a dialog opened: {text}");
    }
    let ran = client
        .execute("return window.__xss === 1;", vec![])
        .await
        .unwrap();
    assert_eq!(ran, Value::Bool(false), "{page}: an injected script ran");
}

/// Types `text` into the field `css` of `client`'s page, replacing its value.
async fn fill_in(client: &Client, css: &str, text: &str) {
    let field = client.find(Locator::Css(css)).await.unwrap();
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

/// Clicks the element `css` of `client`'s page.
async fn click_in(client: &Client, css: &str) {
    client
        .find(Locator::Css(css))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

/// Clicks something in `client` that loads a new page, and waits until it has.
async fn follow_in(client: &Client, css: &str) {
    client
        .execute("window.__leaving = 1;", vec![])
        .await
        .unwrap();
    click_in(client, css).await;
    for _ in 0..100 {
        let done = client
            .execute(
                "return window.__leaving === undefined && document.readyState === 'complete';",
                vec![],
            )
            .await;
        if matches!(done, Ok(Value::Bool(true))) {
            no_script_ran_in(client, css).await;
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("clicking {css} loaded no page");
}

/// The text of the page's `main`.
async fn main_text(client: &Client) -> String {
    client
        .find(Locator::Css("main"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// Signs `client` in to the workspace as the agent `email`.
async fn sign_in_as(client: &Client, base: &str, email: &str) {
    client.goto(&format!("{base}/app/sign-in")).await.unwrap();
    fill_in(client, "#email", email).await;
    fill_in(client, "#password", "correct horse battery").await;
    follow_in(client, "main button[type=submit]").await;
}

/// Chooses a photo of the damage (a one-pixel PNG called `name`, written to
/// a temporary folder that is returned for removal) in the file field `css`.
async fn attach_photo(client: &Client, css: &str, name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(harness::unique("photo"));
    std::fs::create_dir_all(&dir).unwrap();
    let photo = dir.join(name);
    std::fs::write(&photo, PNG_1X1).unwrap();
    client
        .find(Locator::Css(css))
        .await
        .unwrap()
        .send_keys(&photo.display().to_string())
        .await
        .unwrap();
    dir
}

/// The newest one-time sign-in link in the outbox (the mail the run sent),
/// as a path on the server.
async fn newest_sign_in_link(h: &Harness) -> String {
    let text = last_sign_in_mail(h).await;
    let start = text.find("/portal/link/pl_").expect("a link in the mail");
    text[start..start + "/portal/link/".len() + 67].to_string()
}

/// A customer's mail with an attachment, ingested as the MTA pipe would.
async fn mail_in(
    h: &Harness,
    name: &str,
    from: &str,
    subject: &str,
    html: &str,
    file: &str,
) -> i64 {
    let raw = format!(
        "From: \"{name}\" <{from}>\r\nTo: support@localhost\r\nSubject: {subject}\r\n\
         Message-ID: <{}@test.example>\r\nDate: Thu, 03 Dec 2026 10:00:00 +0000\r\n\
         MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n\
         --b1\r\nContent-Type: text/html; charset=utf-8\r\n\r\n{html}\r\n\
         --b1\r\nContent-Type: image/png\r\nContent-Disposition: attachment; filename=\"{file}\"\r\n\
         Content-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n--b1--\r\n",
        harness::unique("m")
    );
    let outcome = h.app.ingest_mail(raw.as_bytes()).await.expect("ingest");
    outcome.ticket().expect("a ticket").0
}

/// The text of the last sign-in link mail, quoted-printable undone.
async fn last_sign_in_mail(h: &Harness) -> String {
    let pool = sqlx::AnyPool::connect(&h.database_url).await.unwrap();
    let raw: Vec<u8> =
        sqlx::query_scalar("SELECT raw FROM outbox WHERE kind = 'sign_in_link' ORDER BY id DESC")
            .fetch_one(&pool)
            .await
            .unwrap();
    pool.close().await;
    String::from_utf8_lossy(&raw)
        .replace("=\r\n", "")
        .replace("=3D", "=")
}

macro_rules! in_browser {
    ($($name:ident),+ $(,)?) => {
        $(
            mod $name {
                async fn run(backend: super::Backend) {
                    if let Some(s) = super::Session::start(backend, stringify!($name)).await {
                        super::$name(&s).await;
                        s.finish().await;
                    }
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    run(super::Backend::Sqlite).await;
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    run(super::Backend::Postgres).await;
                }
            }
        )+
    };
}

in_browser!(
    an_agent_works_a_mailed_in_ticket_and_the_coach_speaks_up,
    a_customer_asks_in_the_portal_and_signs_in_by_link,
    hostile_text_never_runs_on_any_page,
    two_agents_on_one_ticket_see_each_other_and_the_second_send_is_stopped,
    a_customer_answers_the_survey_by_its_link,
    the_reports_page_draws_its_charts_with_tables_beside_them,
    the_admin_pages_keep_hostile_text_inert_and_pass_axe,
    the_workspace_walks_in_german_and_passes_axe,
    hostile_words_in_notifications_never_run,
    a_portal_request_is_taken_coached_sent_and_answered_live,
    a_transfer_needs_its_note_and_reaches_the_other_agent_live,
    the_keyboard_moves_opens_and_acts,
    the_live_list_keeps_place_and_ticks_and_counts_follow,
    the_inbox_and_a_ticket_fit_a_phone,
    the_dark_theme_follows_the_system_and_passes_axe,
    the_customer_panel_marks_bouncing_and_lists_other_tickets,
    search_results_show_marked_words_and_keep_hostile_text_inert,
    the_portal_list_shows_an_agents_change_live_and_only_its_own,
);

use admin::the_admin_pages_keep_hostile_text_inert_and_pass_axe;
use languages::the_workspace_walks_in_german_and_passes_axe;
use notifications::hostile_words_in_notifications_never_run;
use portal_live::the_portal_list_shows_an_agents_change_live_and_only_its_own;
use scenarios::{
    a_portal_request_is_taken_coached_sent_and_answered_live,
    a_transfer_needs_its_note_and_reaches_the_other_agent_live,
};
use search::search_results_show_marked_words_and_keep_hostile_text_inert;
use ui::{
    the_customer_panel_marks_bouncing_and_lists_other_tickets,
    the_dark_theme_follows_the_system_and_passes_axe, the_inbox_and_a_ticket_fit_a_phone,
    the_keyboard_moves_opens_and_acts, the_live_list_keeps_place_and_ticks_and_counts_follow,
};

/// A lead's report page: filters, SVG charts with text alternatives, each
/// chart's figures in a table, CSV links; an agent's page is their own
/// scorecard. Both axe-clean.
async fn the_reports_page_draws_its_charts_with_tables_beside_them(s: &Session) {
    mail_in(
        &s.h,
        "Ann Lee",
        "ann@example.com",
        "Kettle leaks",
        "<p>It leaks.</p>",
        "kettle.png",
    )
    .await;
    s.goto("/app/sign-in").await;
    s.sign_in("lead@test.example").await;
    s.goto("/app/reports?period=day").await;
    let text = s.text().await;
    assert!(
        text.contains("By channel") && text.contains("Tickets per period"),
        "{text}"
    );
    assert!(text.contains("Download"), "{text}");
    let charts = s
        .client
        .find_all(Locator::Css("figure > svg[role=img] > title"))
        .await
        .unwrap();
    assert_eq!(charts.len(), 2, "two charts with titles");
    s.accessible("reports").await;
    s.goto("/app/reports/coaching").await;
    let text = s.text().await;
    assert!(text.contains("where each person could use help"), "{text}");
    s.accessible("coaching").await;
    s.goto("/app/reports?period=year").await;
    let text = s.text().await;
    assert!(
        text.contains("day, week or month"),
        "a bad filter is said: {text}"
    );
}

/// Undo send in the browser, with replies held for a few seconds.
mod undo_send {
    const DELAY: std::time::Duration = std::time::Duration::from_secs(4);

    async fn run(backend: super::Backend) {
        let name = "a_sent_reply_can_be_undone_until_it_leaves";
        let held = |c: &mut rapport_app::AppConfig| c.mail.undo_send = DELAY;
        if let Some(s) = super::Session::start_with(backend, name, held).await {
            super::a_sent_reply_can_be_undone_until_it_leaves(&s, DELAY).await;
            s.finish().await;
        }
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        run(super::Backend::Sqlite).await;
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        run(super::Backend::Postgres).await;
    }
}

async fn a_sent_reply_can_be_undone_until_it_leaves(s: &Session, delay: Duration) {
    let id = mail_in(
        &s.h,
        "Ann Lee",
        "ann@example.com",
        "Kettle leaks",
        "<p>My kettle leaks.</p>",
        "kettle.png",
    )
    .await;
    let ticket = rapport_core::TicketId(id);
    let text = "Hi Ann, a new kettle leaves today.";
    s.sign_in("agent@test.example").await;
    s.goto(&format!("/app/tickets/{id}")).await;
    s.fill("#reply-body", text).await;
    s.follow("#reply-form button[type=submit]").await;
    let waiting = s.text().await;
    assert!(waiting.contains("Your reply leaves in"), "{waiting}");
    s.accessible("ticket page with a held reply").await;
    // Undo: the text is the draft again and the ticket never saw it.
    s.follow(".held form.undo button[type=submit]").await;
    let draft = s
        .client
        .find(Locator::Css("#reply-body"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default();
    assert_eq!(draft, text, "the undone reply is back in the composer");
    assert!(!s.text().await.contains("Your reply leaves in"));
    assert_eq!(s.h.store.messages(ticket).await.unwrap().len(), 1);
    // Sent again and left alone: the button goes when the time is up.
    s.follow("#reply-form button[type=submit]").await;
    assert!(s.text().await.contains("Your reply leaves in"));
    let left = s
        .client
        .wait()
        .at_most(delay + Duration::from_secs(3))
        .for_element(Locator::XPath("//*[contains(., 'Your reply has left.')]"))
        .await;
    assert!(left.is_ok(), "the countdown ends");
    assert!(
        s.client
            .find(Locator::Css(".held form.undo"))
            .await
            .is_err(),
        "no Undo button once it has left"
    );
    assert_eq!(s.h.app.release_held_replies().await.unwrap(), 1);
    s.goto(&format!("/app/tickets/{id}")).await;
    let sent = s.text().await;
    assert!(sent.contains(text), "{sent}");
    assert!(!sent.contains("Your reply leaves in"), "{sent}");
    assert_eq!(s.h.store.messages(ticket).await.unwrap().len(), 2);
}

async fn an_agent_works_a_mailed_in_ticket_and_the_coach_speaks_up(s: &Session) {
    let id = mail_in(
        &s.h,
        "Ann Lee",
        "ann@example.com",
        "Kettle leaks",
        "<p>My kettle leaks since Monday.</p>",
        "kettle.png",
    )
    .await;
    s.goto("/app/sign-in").await;
    s.accessible("sign-in").await;
    s.sign_in("agent@test.example").await;
    s.goto("/app?view=unassigned").await;
    let inbox = s.text().await;
    assert!(inbox.contains("Kettle leaks"), "{inbox}");
    s.accessible("inbox").await;
    // A new mail appears in the open list without a reload, keeping the page.
    s.client
        .execute("window.__kept = true;", vec![])
        .await
        .unwrap();
    mail_in(
        &s.h,
        "Bo Berg",
        "bo@example.com",
        "Toaster sparks",
        "<p>Sparks!</p>",
        "toaster.png",
    )
    .await;
    let appeared = s
        .client
        .wait()
        .at_most(Duration::from_secs(5))
        .for_element(Locator::XPath("//a[contains(., 'Toaster sparks')]"))
        .await;
    assert!(appeared.is_ok(), "the new ticket appears live");
    assert_eq!(
        s.client
            .execute("return window.__kept === true;", vec![])
            .await
            .unwrap(),
        Value::Bool(true),
        "no reload"
    );
    s.screenshot("inbox").await;
    s.follow(&format!("a[href='/app/tickets/{id}']")).await;
    let page = s.text().await;
    assert!(page.contains("My kettle leaks since Monday."));
    assert!(page.contains("kettle.png"));
    s.accessible("ticket page").await;
    s.fill("#reply-body", "Sorry Ann, that's our policy for kettles.")
        .await;
    s.follow("form[action$='/reply'] button[type=submit]").await;
    let refused = s.text().await;
    assert!(
        refused.contains("The reply coach stopped this reply"),
        "{refused}"
    );
    assert!(refused.contains("that's our policy"));
    assert!(
        s.client
            .find(Locator::Css("#override-reason"))
            .await
            .is_ok()
    );
    s.screenshot("ticket").await;
    // A state-changing request without the form's token is refused.
    let status = s
        .client
        .execute_async(
            &format!("const done = arguments[0]; fetch('/app/tickets/{id}/note', {{method: 'POST', body: new URLSearchParams({{body: 'x'}})}}).then(r => done(r.status));"),
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(status, json!(403));
    // The other lists and the search pages pass axe too.
    for path in [
        "/app?view=due",
        "/app?view=breached",
        "/app/search?q=kettle",
        "/app/notifications",
    ] {
        s.goto(path).await;
        s.accessible(path).await;
    }
}

async fn a_customer_asks_in_the_portal_and_signs_in_by_link(s: &Session) {
    let foreign = mail_in(
        &s.h,
        "Zed",
        "zed@example.com",
        "Zed's order",
        "<p>Private</p>",
        "z.png",
    )
    .await;
    s.goto("/portal/new").await;
    s.accessible("portal form").await;
    s.fill("#name", "Gil Hart").await;
    s.fill("#email", "gil@example.com").await;
    s.fill("#subject", "Cracked screen").await;
    s.fill("#description", "The screen cracked on day two.")
        .await;
    // A photo of the damage goes with it.
    let photo = attach_photo(&s.client, "#files", "crack.png").await;
    tokio::time::sleep(Duration::from_millis(2100)).await;
    s.follow("main button[type=submit]").await;
    let _ = std::fs::remove_dir_all(&photo);
    assert!(s.text().await.contains("Check your mail"));
    s.accessible("portal sent").await;
    s.goto("/portal/contact").await;
    s.accessible("portal contact").await;
    s.goto("/portal/sign-in").await;
    s.accessible("portal sign-in").await;
    let link = newest_sign_in_link(&s.h).await;
    s.goto(&link).await;
    s.follow("main button[type=submit]").await;
    let list = s.text().await;
    assert!(list.contains("Cracked screen"), "{list}");
    assert!(!list.contains("Zed"));
    s.follow("a[href^='/portal/tickets/']").await;
    assert!(s.text().await.contains("The screen cracked on day two."));
    s.accessible("portal ticket page").await;
    let mine = s.client.current_url().await.unwrap();
    let id = mine
        .path()
        .trim_start_matches("/portal/tickets/")
        .to_string();
    assert!(
        s.text().await.contains("crack.png"),
        "the customer sees the photo"
    );
    s.goto(&format!("/portal/tickets/{foreign}")).await;
    let other = s.text().await;
    assert!(other.contains("Not found"), "{other}");
    assert!(!other.contains("Private"));
    // Her own file opens; another customer's, by its number, does not.
    let file_of = |ticket: i64| async move {
        let files =
            s.h.store
                .attachments_of_ticket(rapport_core::TicketId(ticket), None, 10)
                .await
                .unwrap();
        files.first().expect("a file on the ticket").id
    };
    let own = file_of(id.parse().unwrap()).await;
    let zeds = file_of(foreign).await;
    let status = |file: i64| {
        format!(
            "const done = arguments[0]; fetch('/portal/attachments/{file}').then(r => done(r.status));"
        )
    };
    let own = s.client.execute_async(&status(own), vec![]).await.unwrap();
    assert_eq!(own, json!(200), "the customer's own photo");
    let zeds = s.client.execute_async(&status(zeds), vec![]).await.unwrap();
    assert_eq!(zeds, json!(404), "another customer's file is not found");
    // The agent sees the photo itself on the ticket.
    s.sign_in("agent@test.example").await;
    s.goto(&format!("/app/tickets/{id}")).await;
    // The preview loads lazily: brought into view, it loads within 5 s.
    let shown = s
        .client
        .execute_async(
            "const done = arguments[0]; const i = document.querySelector('img.preview');\
             if (!i) { done(-1); return; } i.scrollIntoView(); let n = 0;\
             const check = () => (i.complete && i.naturalWidth) || n++ > 100 ? done(i.naturalWidth) : setTimeout(check, 50);\
             check();",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(shown, json!(1), "the photo's preview is loaded");
    s.accessible("ticket page with a customer's photo").await;
    s.goto("/portal/search?q=screen").await;
    s.accessible("portal search").await;
}

/// A one-pixel PNG: a photo the customer sends.
const PNG_1X1: &[u8] = &[
    137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, 73, 72, 68, 82, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0,
    0, 0, 31, 21, 196, 137, 0, 0, 0, 13, 73, 68, 65, 84, 120, 218, 99, 100, 248, 207, 80, 15, 0, 3,
    134, 1, 128, 90, 52, 125, 107, 0, 0, 0, 0, 73, 69, 78, 68, 174, 66, 96, 130,
];

async fn hostile_text_never_runs_on_any_page(s: &Session) {
    let payload = format!("<img src=x onerror=\"{XSS}\"><script>{XSS}</script>");
    let id = mail_in(
        &s.h,
        &format!("<svg onload=\"{XSS}\">Eve"),
        "eve@example.com",
        &format!("<script>{XSS}</script> Hello"),
        &format!("<p>Hi</p>{payload}<a href=\"javascript:{XSS}\">click</a><iframe srcdoc=\"<script>parent.{XSS}</script>\"></iframe>"),
        "<img src=x onerror=alert(1)>.png",
    )
    .await;
    s.sign_in("agent@test.example").await;
    // Lists the ticket is not in (no response target set here) and the
    // search page are walked too: nothing of the mail may run on any page.
    for path in [
        "/app?view=due",
        "/app?view=breached",
        "/app?view=open",
        "/app/search?q=Hello",
        "/app/notifications",
    ] {
        s.goto(path).await;
    }
    for path in [
        "/app?view=unassigned".to_string(),
        format!("/app/tickets/{id}"),
    ] {
        s.goto(&path).await;
        let text = s.text().await;
        assert!(
            text.contains("Hello"),
            "{path}: the subject is shown as text"
        );
    }
    // Clicking the mail's link does nothing either.
    if let Ok(link) = s.client.find(Locator::LinkText("click")).await {
        let _ = link.click().await;
        s.no_script_ran("the mail's link").await;
    }
    // The same mail as the customer sees it in the portal.
    s.h.app
        .request_sign_in_link("eve@example.com", None, rapport_app::i18n::Lang::En)
        .await
        .unwrap();
    s.goto(&newest_sign_in_link(&s.h).await).await;
    s.follow("main button[type=submit]").await;
    s.no_script_ran("portal list").await;
    s.goto(&format!("/portal/tickets/{id}")).await;
    assert!(s.text().await.contains("Hi"));
    s.goto("/portal/search?q=Hello").await;
    s.no_script_ran("portal search").await;
}

/// Waits until the page's main text contains `text`.
async fn wait_for_text(client: &Client, text: &str, what: &str) {
    for _ in 0..100 {
        if let Ok(main) = client.find(Locator::Css("main")).await
            && main.text().await.is_ok_and(|t| t.contains(text))
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{what}: {text:?} did not appear");
}

async fn two_agents_on_one_ticket_see_each_other_and_the_second_send_is_stopped(s: &Session) {
    let id = mail_in(
        &s.h,
        "Ann Lee",
        "ann@example.com",
        "Kettle leaks",
        "<p>My kettle leaks.</p>",
        "kettle.png",
    )
    .await;
    let at = format!("/app/tickets/{id}");
    s.sign_in("agent@test.example").await;
    s.goto(&at).await;
    // A second agent (a lead) opens the same ticket in another browser.
    let lead = s.another_browser().await;
    sign_in_as(&lead, &s.base, "lead@test.example").await;
    wait_for_text(&lead, "Mine", "the lead's inbox").await;
    lead.goto(&format!("{}{at}", s.base)).await.unwrap();
    wait_for_text(
        &lead,
        "agent@test.example is viewing this ticket",
        "lead sees agent",
    )
    .await;
    wait_for_text(
        &s.client,
        "lead@test.example is viewing this ticket",
        "agent sees lead (live)",
    )
    .await;
    // The lead starts writing: the agent sees it without a reload.
    lead.find(Locator::Css("#reply-body"))
        .await
        .unwrap()
        .send_keys("Hi Ann, we will refund the kettle.")
        .await
        .unwrap();
    wait_for_text(
        &s.client,
        "lead@test.example is writing a reply",
        "agent sees writing",
    )
    .await;
    // The agent's draft survives a reload, then the agent sends first.
    s.fill("#reply-body", "Hi Ann, a new kettle leaves today.")
        .await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    s.goto(&at).await;
    let restored = s
        .client
        .find(Locator::Css("#reply-body"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default();
    assert_eq!(
        restored, "Hi Ann, a new kettle leaves today.",
        "the draft came back"
    );
    s.follow("#reply-form button[type=submit]").await;
    assert!(s.text().await.contains("a new kettle leaves today"));
    // The lead's page hears of it live, and the lead's send is stopped.
    wait_for_text(&lead, "1 new message(s) since you opened", "lead told live").await;
    lead.find(Locator::Css("#reply-form button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(&lead, "Your reply was not sent", "lead stopped").await;
    let stopped = lead
        .find(Locator::Css("article.message.fresh"))
        .await
        .expect("the first reply is marked new")
        .text()
        .await
        .unwrap();
    assert!(stopped.contains("a new kettle leaves today"), "{stopped}");
    let kept = lead
        .find(Locator::Css("#reply-body"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default();
    assert_eq!(kept, "Hi Ann, we will refund the kettle.");
    if let Ok(text) = lead.get_alert_text().await {
        panic!("a dialog opened: {text}");
    }
    // Sending anyway goes through.
    lead.find(Locator::Css("#reply-form button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    for _ in 0..50 {
        if s.h
            .store
            .messages(rapport_core::TicketId(id))
            .await
            .unwrap()
            .len()
            == 3
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        s.h.store
            .messages(rapport_core::TicketId(id))
            .await
            .unwrap()
            .len(),
        3
    );
    let _ = lead.close().await;
}

/// The survey link opened in a real browser shows the question and records
/// nothing; choosing a rating and sending records it; both pages pass axe.
async fn a_customer_answers_the_survey_by_its_link(s: &Session) {
    let ticket = mail_in(
        &s.h,
        "Hana Ito",
        "hana@example.com",
        "Lamp flickers",
        "<p>It flickers.</p>",
        "lamp.png",
    )
    .await;
    for (path, body) in [
        (
            "messages",
            json!({"kind": "reply", "body": "Hi Hana,\n\nI'm sorry it flickers. A new one ships today.\n\nBest regards,\nSam"}),
        ),
        ("status", json!({"status": "solved"})),
    ] {
        let (status, answer) =
            s.h.post(
                &format!("/api/v1/tickets/{ticket}/{path}"),
                &s.h.agent,
                body,
            )
            .await;
        assert!(status.is_success(), "{answer}");
    }
    let pool = sqlx::AnyPool::connect(&s.h.database_url).await.unwrap();
    sqlx::query("UPDATE jobs SET due_at = 0 WHERE kind = 'survey'")
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    s.h.app
        .run_due_jobs(
            "browser",
            &rapport_app::scheduler::SchedulerPolicy::default(),
        )
        .await
        .unwrap();
    let link =
        s.h.app
            .survey_link(rapport_core::TicketId(ticket))
            .await
            .unwrap();
    let path = link
        .strip_prefix(&s.base)
        .expect("the link is on this server");
    let survey = || async {
        let (_, survey) =
            s.h.get(&format!("/api/v1/tickets/{ticket}/survey"), &s.h.agent)
                .await;
        survey
    };
    s.goto(path).await;
    let shown = s.text().await;
    assert!(
        shown.contains(&format!("How did we do with ticket #{ticket}?")),
        "{shown}"
    );
    s.accessible("survey page").await;
    assert_eq!(
        survey().await["answers"],
        0,
        "opening the link records nothing"
    );
    s.click("#rating-4").await;
    s.fill("#survey-comment", "Fixed quickly, thank you.").await;
    s.follow("main button[type=submit]").await;
    let answered = s.text().await;
    assert!(
        answered.contains("Your answer is recorded: 4 of 5"),
        "{answered}"
    );
    s.accessible("survey answered").await;
    let recorded = survey().await;
    assert_eq!(recorded["rating"], 4, "{recorded}");
    assert_eq!(recorded["answers"], 1);
    assert_eq!(recorded["comment"], "Fixed quickly, thank you.");
}
