//! `rapport calendar`: the business calendars from the server's shell.
//!
//! Runs as the operator (every right of an admin) through the same use
//! cases as the API, so what it shows is what the clocks use.

use anyhow::{Context, Result, bail};
use clap::Subcommand;
use rapport_app::calendars::ImportOptions;
use rapport_app::hours::{BusinessHours, Moment, customer_time};
use rapport_app::{App, CalendarRecord, Caller};
use rapport_core::{AgentId, BusinessCalendar, Role, Timestamp};
use std::path::PathBuf;

/// What `rapport calendar` does.
#[derive(Subcommand)]
pub enum CalendarCommand {
    /// List the calendars; the default's week, next seven days and closures.
    Show {
        /// Describe this moment instead of now (see `check --at`).
        #[arg(long)]
        at: Option<String>,
    },
    /// Import an iCalendar file; a calendar of the same name is replaced.
    Import {
        /// The .ics file.
        file: PathBuf,
        /// The calendar's name (default: the file's X-WR-CALNAME).
        #[arg(long)]
        name: Option<String>,
        /// Make it the default calendar.
        #[arg(long)]
        default: bool,
        /// Take only the file's holidays and closures (a public-holiday
        /// feed) into the calendar --name (default: the default calendar),
        /// keeping its hours and zone.
        #[arg(long)]
        holidays_only: bool,
    },
    /// Print a calendar as an iCalendar feed (default: the default calendar).
    Export {
        /// The calendar's name.
        #[arg(long)]
        name: Option<String>,
    },
    /// Whether the desk is open at a moment, and that moment plus business minutes.
    Check {
        /// The moment: RFC 3339 (2026-12-24T16:30:00Z), with a zone
        /// (2026-12-24T16:30[Europe/Berlin]) or wall-clock time in the
        /// business zone (2026-12-24T16:30); default now.
        #[arg(long)]
        at: Option<String>,
        /// Add this many business minutes to the moment.
        #[arg(long)]
        add_minutes: Option<i64>,
    },
}

/// The operator at the server's shell.
fn operator() -> Caller {
    Caller::operator(AgentId(0), Role::Admin)
}

/// Reads a moment; wall-clock times are in the calendar's zone.
fn moment(text: Option<&str>, calendar: &BusinessCalendar) -> Result<Timestamp> {
    let Some(text) = text else {
        return Ok(Timestamp::now());
    };
    if let Ok(t) = Timestamp::parse(text) {
        return Ok(t);
    }
    let zoned = match text.parse::<jiff::Zoned>() {
        Ok(zoned) => zoned,
        Err(_) => text
            .parse::<jiff::civil::DateTime>()
            .ok()
            .and_then(|dt| dt.to_zoned(calendar.time_zone().clone()).ok())
            .with_context(|| {
                format!("{text:?} is not a moment: use 2026-12-24T16:30:00Z, 2026-12-24T16:30[Europe/Berlin] or 2026-12-24T16:30")
            })?,
    };
    Ok(Timestamp(zoned.timestamp().as_microsecond()))
}

/// Runs a calendar command.
pub async fn run(app: &App, command: CalendarCommand) -> Result<()> {
    let caller = operator();
    match command {
        CalendarCommand::Show { at } => {
            let calendar = app.business_calendar().await?;
            let at = moment(at.as_deref(), &calendar)?;
            for record in app.calendars(&caller).await? {
                print!("{}", listing(&record));
            }
            print!("{}", hours_text(&app.business_hours(Some(at)).await?));
        }
        CalendarCommand::Import {
            file,
            name,
            default,
            holidays_only,
        } => {
            let size = std::fs::metadata(&file)
                .with_context(|| format!("cannot read {}", file.display()))?
                .len();
            if size > rapport_core::calendar::MAX_ICAL_BYTES as u64 {
                bail!("{} has {size} bytes; at most 1 MiB is read", file.display());
            }
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {} as UTF-8 text", file.display()))?;
            let record = app
                .import_calendar(
                    &caller,
                    &text,
                    &ImportOptions {
                        name,
                        make_default: default,
                        holidays_only,
                    },
                )
                .await
                .with_context(|| format!("{} was not imported", file.display()))?;
            println!(
                "imported {:?} (id {}, {}): {} holidays, {} closures{}",
                record.name,
                record.id,
                record.spec.time_zone,
                record.spec.holidays.len(),
                record.spec.closures.len(),
                if record.is_default {
                    "; it is the default calendar"
                } else {
                    ""
                }
            );
        }
        CalendarCommand::Export { name } => {
            let record = match name {
                Some(name) => app
                    .calendars(&caller)
                    .await?
                    .into_iter()
                    .find(|r| r.name == name)
                    .with_context(|| format!("no calendar named {name:?}"))?,
                None => app.default_calendar(&caller).await?,
            };
            print!("{}", app.export_calendar(&caller, record.id).await?);
        }
        CalendarCommand::Check { at, add_minutes } => {
            let calendar = app.business_calendar().await?;
            let at = moment(at.as_deref(), &calendar)?;
            print!("{}", check_text(&calendar, at, add_minutes)?);
        }
    }
    Ok(())
}

/// One line per calendar.
fn listing(record: &CalendarRecord) -> String {
    format!(
        "{:>4} {} {} ({}), {} holidays, {} closures\n",
        record.id,
        if record.is_default { "*" } else { " " },
        record.name,
        record.spec.time_zone,
        record.spec.holidays.len(),
        record.spec.closures.len()
    )
}

fn span(open: &(Moment, Moment)) -> String {
    format!(
        "{}-{}",
        open.0.local.strftime("%H:%M"),
        open.1.local.strftime("%H:%M")
    )
}

/// The default calendar's hours as people read them.
fn hours_text(hours: &BusinessHours) -> String {
    let mut out = format!(
        "\nDefault: {} ({}, {})\nAt {}: {}\n",
        hours.calendar,
        hours.time_zone,
        hours.zone_label,
        hours.local.strftime("%A %-d %B %Y %H:%M"),
        match (&hours.closes_at, &hours.next_opening) {
            (Some(close), _) if hours.open_now => format!("open, closes {}", close.text),
            _ if hours.open_now => "open around the clock".into(),
            (_, Some(next)) => format!("closed, opens {}", next.text),
            (_, None) => "closed, with no opening ahead".into(),
        }
    );
    out.push_str("Normal week:\n");
    for day in &hours.week {
        let intervals: Vec<String> = day.intervals.iter().map(ToString::to_string).collect();
        let text = if day.always_open {
            "open around the clock".to_string()
        } else if intervals.is_empty() {
            "closed".to_string()
        } else {
            intervals.join(", ")
        };
        out.push_str(&format!("  {:<9} {text}\n", day.weekday.as_str()));
    }
    out.push_str("Next seven days:\n");
    for day in &hours.days {
        let open: Vec<String> = day.open.iter().map(span).collect();
        let mut text = if open.is_empty() {
            "closed".to_string()
        } else {
            open.join(", ")
        };
        if !day.holidays.is_empty() {
            text.push_str(&format!(" ({})", day.holidays.join(", ")));
        }
        out.push_str(&format!("  {} {text}\n", day.date.strftime("%a %Y-%m-%d")));
    }
    out.push_str(&format!(
        "Closures in the next {} days:{}\n",
        rapport_app::hours::CLOSURES_AHEAD_DAYS,
        if hours.closures.is_empty() {
            " none"
        } else {
            ""
        }
    ));
    for c in &hours.closures {
        out.push_str(&format!(
            "  {} to {}  {}\n",
            c.start.strftime("%Y-%m-%d %H:%M"),
            c.end.strftime("%Y-%m-%d %H:%M"),
            c.reason
        ));
    }
    out
}

/// Open or closed at a moment, and the moment plus business minutes.
fn check_text(calendar: &BusinessCalendar, at: Timestamp, add: Option<i64>) -> Result<String> {
    let local = calendar.local_time(at).strftime("%A %-d %B %Y %H:%M");
    let zone = rapport_app::hours::zone_label(&calendar.spec().time_zone);
    let mut out = if calendar.is_open(at) {
        format!("{local} ({zone}) [{at}]: open\n")
    } else {
        match calendar.next_opening(at) {
            Some(next) => format!(
                "{local} ({zone}) [{at}]: closed; opens {}\n",
                customer_time(calendar, next, at)
            ),
            None => format!("{local} ({zone}) [{at}]: closed, with no opening ahead\n"),
        }
    };
    if let Some(minutes) = add {
        if minutes < 0 {
            bail!("--add-minutes must not be negative");
        }
        match calendar.add_business_minutes(at, minutes) {
            Some(t) => out.push_str(&format!(
                "+ {minutes} business minutes: {} ({zone}) [{t}]\n",
                calendar.local_time(t).strftime("%A %-d %B %Y %H:%M")
            )),
            None => {
                bail!("the calendar does not open long enough to count {minutes} business minutes")
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rapport_core::CalendarSpec;

    #[test]
    fn check_speaks_in_the_business_zone() -> Result<()> {
        let cal = BusinessCalendar::new(CalendarSpec::office_hours("Office", "Europe/Berlin"))?;
        let at = moment(Some("2026-12-04T16:30"), &cal)?;
        assert_eq!(
            at,
            Timestamp::parse("2026-12-04T15:30:00Z").map_err(anyhow::Error::msg)?
        );
        let text = check_text(&cal, at, Some(60))?;
        assert!(
            text.starts_with("Friday 4 December 2026 16:30 (Berlin time)"),
            "{text}"
        );
        assert!(text.contains(": open\n"), "{text}");
        assert!(
            text.contains("+ 60 business minutes: Monday 7 December 2026 09:30 (Berlin time)"),
            "{text}"
        );
        let night = moment(Some("2026-12-04T17:30:00Z"), &cal)?;
        assert!(
            check_text(&cal, night, None)?.contains("closed; opens Monday 09:00 (Berlin time)")
        );
        assert!(moment(Some("soon"), &cal).is_err());
        Ok(())
    }
}
