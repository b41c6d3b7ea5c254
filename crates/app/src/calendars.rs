//! Business calendars: stored specs, the default one the desk runs on, and
//! iCalendar import and export.
//!
//! Everything that talks about time reads the default calendar through
//! [`App::business_calendar`]: the acknowledgment's promise, the coach's
//! promise due times, the posted hours ([`crate::hours`]). The compiled
//! calendar is kept in memory and re-read when the stored default changed:
//! at once after a change made through this server, and within
//! `[business] recheck` ([`RECHECK`], 5 s) after one made through another (a cheap look at the default's
//! id and `updated_at`). The first use on an empty database stores the
//! configuration's `[business]` calendar as the default.

use crate::{App, AppError, Caller, required_text};
use rapport_core::{
    BusinessCalendar, CalendarError, CalendarSpec, IcalError, MAX_ICAL_EVENTS, Permission,
    Timestamp,
};
use rapport_store::{CalendarRecord, StoreError};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

/// How long the default calendar in memory is used, by default, before
/// checking that the stored one did not change (through another server).
pub const RECHECK: Duration = Duration::from_secs(5);
/// The longest calendar name.
const MAX_NAME_CHARS: usize = 100;
/// The longest holiday name or closure reason.
const MAX_REASON_CHARS: usize = 200;

/// The compiled default calendar and what it was compiled from.
#[derive(Debug, Default)]
pub(crate) struct CalendarCache {
    slot: RwLock<Option<Cached>>,
}

#[derive(Debug, Clone)]
struct Cached {
    id: i64,
    updated_at: Timestamp,
    calendar: Arc<BusinessCalendar>,
    checked: Instant,
}

impl CalendarCache {
    fn get(&self) -> Option<Cached> {
        self.slot
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    fn set(&self, value: Option<Cached>) {
        *self
            .slot
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = value;
    }
}

/// Compiles a stored calendar.
fn compile(record: &CalendarRecord) -> Result<BusinessCalendar, AppError> {
    BusinessCalendar::new(record.spec.clone()).map_err(|e| {
        AppError::Internal(format!(
            "stored calendar {} ({}) is not valid: {e}",
            record.id, record.name
        ))
    })
}

/// The request field a calendar error is about.
fn field_of(error: &CalendarError) -> &'static str {
    match error {
        CalendarError::UnknownTimeZone { .. } => "time_zone",
        CalendarError::InvalidHoliday { .. } => "holidays",
        CalendarError::InvalidClosure { .. } => "closures",
        CalendarError::EmptyInterval { .. }
        | CalendarError::NotWholeMinute { .. }
        | CalendarError::OverlappingHours { .. }
        | CalendarError::TooManyIntervals { .. } => "hours",
        _ => "calendar",
    }
}

/// Checks a spec's text and validates it; returns it with its name trimmed.
fn checked(mut spec: CalendarSpec) -> Result<(CalendarSpec, BusinessCalendar), AppError> {
    spec.name = required_text("name", &spec.name, MAX_NAME_CHARS)?;
    if spec.holidays.len() + spec.closures.len() > MAX_ICAL_EVENTS {
        return Err(AppError::invalid(
            "holidays",
            msg!("error.calendars.max_holidays", max = MAX_ICAL_EVENTS),
        ));
    }
    for holiday in &mut spec.holidays {
        holiday.name = required_text("holidays", &holiday.name, MAX_REASON_CHARS)?;
    }
    for closure in &mut spec.closures {
        closure.reason = required_text("closures", &closure.reason, MAX_REASON_CHARS)?;
    }
    let calendar = BusinessCalendar::new(spec)
        .map_err(|e| AppError::invalid(field_of(&e), crate::core_words::calendar_words(&e)))?;
    Ok((calendar.spec().clone(), calendar))
}

/// Refuses a calendar that would leave the desk closed for a year: the
/// default calendar is what every promise is counted on.
fn opens(calendar: &BusinessCalendar) -> Result<(), AppError> {
    let now = Timestamp::now();
    match calendar.next_opening(now) {
        Some(t) if t.as_micros() - now.as_micros() <= 366 * 86_400 * 1_000_000 => Ok(()),
        _ => Err(AppError::invalid(
            "hours",
            msg!("error.calendars.must_open"),
        )),
    }
}

/// How [`App::import_calendar`] reads a file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportOptions {
    /// The calendar's name (default: the file's `X-WR-CALNAME`; with
    /// `holidays_only`, the default calendar).
    pub name: Option<String>,
    /// Make it the default calendar.
    pub make_default: bool,
    /// Take only the feed's holidays and closures (a public-holiday feed)
    /// and put them in place of the existing calendar's, which keeps its
    /// name, zone and hours.
    pub holidays_only: bool,
}

/// A calendar with its holidays and closures replaced by a feed's. All-day
/// dates are civil dates in any zone; a closure at set times is only taken
/// from a feed in the calendar's own zone.
fn holidays_into(target: &CalendarSpec, feed: CalendarSpec) -> Result<CalendarSpec, AppError> {
    let timed = feed
        .closures
        .iter()
        .any(|c| matches!(c.span, rapport_core::ClosedSpan::Period { .. }));
    if timed && feed.time_zone != target.time_zone {
        return Err(AppError::invalid(
            "calendar",
            msg!(
                "error.calendars.zones",
                feed = feed.time_zone,
                zone = target.time_zone
            ),
        ));
    }
    Ok(CalendarSpec {
        holidays: feed.holidays,
        closures: feed.closures,
        ..target.clone()
    })
}

/// A unique-name conflict said in words.
fn name_taken(name: &str) -> impl FnOnce(StoreError) -> AppError + '_ {
    move |error| match error {
        StoreError::Conflict(_) => AppError::Conflict(msg!(
            "error.calendars.name_taken",
            name = format!("{name:?}")
        )),
        other => other.into(),
    }
}

/// An iCalendar error as a field error that names the line.
fn ical_error(error: IcalError) -> AppError {
    AppError::invalid("calendar", crate::core_words::ical_words(&error))
}

impl App {
    /// The default business calendar, compiled: what every clock and every
    /// promise uses. Stored from the configuration on first use.
    pub async fn business_calendar(&self) -> Result<Arc<BusinessCalendar>, AppError> {
        let cached = self.calendar.get();
        if let Some(c) = &cached
            && c.checked.elapsed() < self.config.business.recheck
        {
            return Ok(c.calendar.clone());
        }
        let stamp = self.store.default_calendar_stamp().await?;
        if let (Some(c), Some((id, updated_at))) = (cached, stamp)
            && (c.id, c.updated_at) == (id, updated_at)
        {
            let calendar = c.calendar.clone();
            self.calendar.set(Some(Cached {
                checked: Instant::now(),
                ..c
            }));
            return Ok(calendar);
        }
        let record = match stamp {
            Some(_) => self.store.default_calendar().await?,
            None => None,
        };
        let record = match record {
            Some(record) => record,
            None => {
                let seed = &self.config.business.calendar;
                self.store
                    .seed_default_calendar(&seed.name, seed, Timestamp::now())
                    .await?
            }
        };
        let calendar = Arc::new(compile(&record)?);
        self.calendar.set(Some(Cached {
            id: record.id,
            updated_at: record.updated_at,
            calendar: calendar.clone(),
            checked: Instant::now(),
        }));
        Ok(calendar)
    }

    /// Every calendar, by name (the default is stored first if needed).
    pub async fn calendars(&self, caller: &Caller) -> Result<Vec<CalendarRecord>, AppError> {
        caller.require(Permission::Read, "read calendars")?;
        self.business_calendar().await?;
        Ok(self.store.calendars().await?)
    }

    /// One calendar.
    pub async fn calendar(&self, caller: &Caller, id: i64) -> Result<CalendarRecord, AppError> {
        caller.require(Permission::Read, "read calendars")?;
        Ok(self.store.calendar(id).await?)
    }

    /// The default calendar's record.
    pub async fn default_calendar(&self, caller: &Caller) -> Result<CalendarRecord, AppError> {
        caller.require(Permission::Read, "read calendars")?;
        self.business_calendar().await?;
        self.store
            .default_calendar()
            .await?
            .ok_or(AppError::NotFound("default calendar"))
    }

    /// Stores a new calendar (admins); it is not the default until made so.
    pub async fn create_calendar(
        &self,
        caller: &Caller,
        spec: CalendarSpec,
    ) -> Result<CalendarRecord, AppError> {
        caller.require(Permission::ManageCalendars, "create calendars")?;
        let (spec, _) = checked(spec)?;
        self.business_calendar().await?;
        let record = self
            .store
            .insert_calendar(&spec.name, &spec, Timestamp::now())
            .await
            .map_err(name_taken(&spec.name))?;
        Ok(record)
    }

    /// Replaces a calendar's spec (admins). A change to the default takes
    /// effect at once here and within [`RECHECK`] on other servers.
    pub async fn put_calendar(
        &self,
        caller: &Caller,
        id: i64,
        spec: CalendarSpec,
    ) -> Result<CalendarRecord, AppError> {
        caller.require(Permission::ManageCalendars, "change calendars")?;
        let (spec, calendar) = checked(spec)?;
        if self.store.calendar(id).await?.is_default {
            opens(&calendar)?;
        }
        let record = self
            .store
            .update_calendar(id, &spec.name, &spec, Timestamp::now())
            .await
            .map_err(name_taken(&spec.name))?;
        self.calendar.set(None);
        self.rules_changed().await?;
        Ok(record)
    }

    /// Makes a calendar the default (admins); it must open within a year.
    pub async fn set_default_calendar(
        &self,
        caller: &Caller,
        id: i64,
    ) -> Result<CalendarRecord, AppError> {
        caller.require(Permission::ManageCalendars, "choose the default calendar")?;
        let record = self.store.calendar(id).await?;
        opens(&compile(&record)?)?;
        self.store
            .set_default_calendar(id, Timestamp::now())
            .await?;
        self.calendar.set(None);
        self.rules_changed().await?;
        Ok(self.store.calendar(id).await?)
    }

    /// Deletes a calendar (admins); the default cannot be deleted.
    pub async fn delete_calendar(&self, caller: &Caller, id: i64) -> Result<(), AppError> {
        caller.require(Permission::ManageCalendars, "delete calendars")?;
        self.store.delete_calendar(id).await?;
        Ok(())
    }

    /// Reads an iCalendar file into a calendar (admins), as
    /// [`ImportOptions`] say: a whole calendar (new, or replacing the one of
    /// the same name), or only the holidays and closures of a feed into an
    /// existing calendar, keeping its hours and zone.
    pub async fn import_calendar(
        &self,
        caller: &Caller,
        ical: &str,
        options: &ImportOptions,
    ) -> Result<CalendarRecord, AppError> {
        caller.require(Permission::ManageCalendars, "import calendars")?;
        let default = self.business_calendar().await?;
        let existing = match (&options.name, options.holidays_only) {
            (Some(name), _) => self.store.calendar_by_name(name).await?,
            (None, true) => self.store.default_calendar().await?,
            (None, false) => None,
        };
        let zone = existing
            .as_ref()
            .map_or(&default.spec().time_zone, |r| &r.spec.time_zone);
        let mut spec = CalendarSpec::from_ical(ical, zone).map_err(ical_error)?;
        if options.holidays_only {
            let Some(target) = &existing else {
                return Err(AppError::invalid(
                    "name",
                    msg!("error.calendars.holidays_into"),
                ));
            };
            spec = holidays_into(&target.spec, spec)?;
        } else if let Some(name) = &options.name {
            spec.name.clone_from(name);
        }
        if spec.name.trim().is_empty() {
            return Err(AppError::invalid("name", msg!("error.calendars.no_name")));
        }
        let (spec, calendar) = checked(spec)?;
        let existing = match existing {
            Some(r) if r.name == spec.name => Some(r),
            _ => self.store.calendar_by_name(&spec.name).await?,
        };
        if options.make_default || existing.as_ref().is_some_and(|r| r.is_default) {
            opens(&calendar)?;
        }
        let now = Timestamp::now();
        let record = match existing {
            Some(r) => {
                self.store
                    .update_calendar(r.id, &spec.name, &spec, now)
                    .await?
            }
            None => self.store.insert_calendar(&spec.name, &spec, now).await?,
        };
        if options.make_default {
            self.store.set_default_calendar(record.id, now).await?;
        }
        self.calendar.set(None);
        self.rules_changed().await?;
        Ok(self.store.calendar(record.id).await?)
    }

    /// A calendar as an iCalendar feed of its hours, holidays and closures.
    pub async fn export_calendar(&self, caller: &Caller, id: i64) -> Result<String, AppError> {
        caller.require(Permission::Read, "read calendars")?;
        let record = self.store.calendar(id).await?;
        Ok(compile(&record)?.to_ical(Timestamp::now()))
    }

    /// The default calendar as an iCalendar feed: public, as the posted
    /// hours are.
    pub async fn business_hours_feed(&self) -> Result<String, AppError> {
        Ok(self.business_calendar().await?.to_ical(Timestamp::now()))
    }
}
