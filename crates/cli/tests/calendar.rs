//! `rapport calendar` end to end on a fresh SQLite database: a feed's
//! holidays stay on their day (issue 9), and times are shown in the
//! business zone.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::path::{Path, PathBuf};
use std::process::Command;

struct Dir(PathBuf);

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn rapport(dir: &Path, args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_rapport"))
        .env(
            "RAPPORT_DATABASE_URL",
            format!("sqlite:{}", dir.join("rapport.db").display()),
        )
        .env("RAPPORT_DATA_DIR", dir)
        .env("RAPPORT_LOG", "warn")
        .env_remove("RAPPORT_CONFIG")
        .env_remove("RAPPORT_BUSINESS_TIME_ZONE")
        .args(args)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "rapport {args:?}: {stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

fn feed(name: &str, zone: &str) -> String {
    [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        &format!("X-WR-CALNAME:{name}"),
        &format!("X-WR-TIMEZONE:{zone}"),
        "BEGIN:VEVENT",
        "X-RAPPORT-KIND:OPENING",
        &format!("DTSTART;TZID={zone}:20240101T090000"),
        &format!("DTEND;TZID={zone}:20240101T170000"),
        "RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "DTSTART;VALUE=DATE:20261225",
        "SUMMARY:Christmas Day",
        "END:VEVENT",
        "END:VCALENDAR",
        "",
    ]
    .join("\r\n")
}

#[test]
fn holidays_from_a_feed_stay_on_their_day_through_the_cli() {
    let dir =
        Dir(std::env::temp_dir().join(format!("rapport-calendar-cli-{}", std::process::id())));
    std::fs::create_dir_all(&dir.0).unwrap();
    let config = dir.0.join("rapport.toml");
    std::fs::write(&config, "[business]\ntime_zone = \"America/Los_Angeles\"\n").unwrap();
    let config = config.to_str().unwrap();
    // The first start stores the configured calendar as the default.
    let shown = rapport(
        &dir.0,
        &[
            "--config",
            config,
            "calendar",
            "show",
            "--at",
            "2026-12-21T12:00",
        ],
    );
    assert!(
        shown.contains("* Business hours (America/Los_Angeles)"),
        "{shown}"
    );
    assert!(
        shown.contains("Default: Business hours (America/Los_Angeles, Los Angeles time)"),
        "{shown}"
    );
    assert!(
        shown.contains(
            "At Monday 21 December 2026 12:00: open, closes Monday 17:00 (Los Angeles time)"
        ),
        "{shown}"
    );
    let ics = dir.0.join("berlin.ics");
    std::fs::write(&ics, feed("Support EU", "Europe/Berlin")).unwrap();
    let ics = ics.to_str().unwrap();
    let imported = rapport(&dir.0, &["calendar", "import", ics, "--default"]);
    assert!(imported.contains("imported \"Support EU\""), "{imported}");
    assert!(
        imported.contains("it is the default calendar"),
        "{imported}"
    );
    let shown = rapport(&dir.0, &["calendar", "show", "--at", "2026-12-21T12:00"]);
    assert!(
        shown.contains("Fri 2026-12-25 closed (Christmas Day)"),
        "{shown}"
    );
    assert!(shown.contains("Thu 2026-12-24 09:00-17:00"), "{shown}");
    assert!(
        shown.contains("2026-12-25 00:00 to 2026-12-26 00:00  Christmas Day"),
        "{shown}"
    );
    let check = rapport(&dir.0, &["calendar", "check", "--at", "2026-12-25T10:00"]);
    assert!(
        check.starts_with("Friday 25 December 2026 10:00 (Berlin time) [2026-12-25T09:00:00Z]: closed; opens Monday 09:00 (Berlin time)"),
        "{check}"
    );
    let check = rapport(
        &dir.0,
        &[
            "calendar",
            "check",
            "--at",
            "2026-12-24T16:00:00Z",
            "--add-minutes",
            "480",
        ],
    );
    assert!(
        check.contains("(Berlin time) [2026-12-24T16:00:00Z]: closed"),
        "{check}"
    );
    assert!(
        check.contains("+ 480 business minutes: Monday 28 December 2026 17:00 (Berlin time)"),
        "{check}"
    );
    // Exported and read back, the holiday is on the same date.
    let exported = rapport(&dir.0, &["calendar", "export"]);
    assert!(
        exported.contains("DTSTART;VALUE=DATE:20261225"),
        "{exported}"
    );
    let copy = dir.0.join("copy.ics");
    std::fs::write(&copy, &exported).unwrap();
    let again = rapport(
        &dir.0,
        &[
            "calendar",
            "import",
            copy.to_str().unwrap(),
            "--name",
            "Copy",
        ],
    );
    assert!(again.contains("imported \"Copy\""), "{again}");
    let copied = rapport(&dir.0, &["calendar", "export", "--name", "Copy"]);
    assert!(copied.contains("DTSTART;VALUE=DATE:20261225"), "{copied}");
}
