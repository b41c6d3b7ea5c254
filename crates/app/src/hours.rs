//! Time as customers are told it: the posted business hours and the
//! acknowledgment's promise, both read from the default calendar, so what
//! is posted and what the clocks do cannot disagree.
//!
//! Times are shown in the business zone with the zone named ("Tuesday 10:00
//! (Berlin time)"), never in UTC.

use crate::i18n::Lang;
use crate::{App, AppError};
use jiff::ToSpan;
use jiff::civil::{Date, DateTime};
use rapport_core::{BusinessCalendar, DayHours, Timestamp, UpcomingClosure};

/// How far ahead the posted hours list closures, in days.
pub const CLOSURES_AHEAD_DAYS: u32 = 30;
/// How many days the posted hours show as they will actually be.
const DAYS_SHOWN: i64 = 7;
/// How far ahead a closing time is looked for (around-the-clock desks have none).
const CLOSE_SEARCH_DAYS: i64 = 14;

/// An instant with its wall-clock time in the business zone and the words
/// a customer reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moment {
    /// The instant.
    pub at: Timestamp,
    /// Its wall-clock time in the business zone.
    pub local: DateTime,
    /// As a customer reads it: "Tuesday 10:00 (Berlin time)".
    pub text: String,
}

impl Moment {
    /// An instant on a calendar, described as of `now`.
    pub fn new(calendar: &BusinessCalendar, at: Timestamp, now: Timestamp) -> Self {
        Self {
            at,
            local: calendar.local_time(at),
            text: customer_time(calendar, at, now),
        }
    }
}

/// One civil day as it will be: its open spans with holidays and closures applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayOpen {
    /// The date, in the business zone.
    pub date: Date,
    /// The holidays that close it, by name.
    pub holidays: Vec<String>,
    /// When the desk is open (an interval past midnight belongs to the day
    /// it starts on).
    pub open: Vec<(Moment, Moment)>,
}

/// What customers are shown about when the desk is open.
#[derive(Debug, Clone)]
pub struct BusinessHours {
    /// The calendar these hours come from.
    pub calendar: String,
    /// The business zone (IANA name).
    pub time_zone: String,
    /// The zone as people say it ("Berlin time").
    pub zone_label: String,
    /// The moment described.
    pub at: Timestamp,
    /// Whether the desk is open then.
    pub open_now: bool,
    /// The moment's wall-clock time in the business zone.
    pub local: DateTime,
    /// When it opens next (the moment itself when open).
    pub next_opening: Option<Moment>,
    /// When open: when it closes next (none when it never closes).
    pub closes_at: Option<Moment>,
    /// The normal week.
    pub week: Vec<DayHours>,
    /// The next days as they will be, from the moment's date.
    pub days: Vec<DayOpen>,
    /// Holidays and closures within [`CLOSURES_AHEAD_DAYS`].
    pub closures: Vec<UpcomingClosure>,
}

/// What the acknowledgment tells a customer whose request arrives now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponsePromise {
    /// Whether the desk is open now.
    pub open_now: bool,
    /// When it opens next (now, when open).
    pub opens_at: Timestamp,
    /// When a person will have answered.
    pub response_by: Timestamp,
}

/// The zone as customers say it: "Berlin time", "New York time", "UTC".
pub fn zone_label(time_zone: &str) -> String {
    match time_zone.rsplit('/').next() {
        Some(city) if time_zone.contains('/') && !city.contains("UTC") => {
            format!("{} time", city.replace('_', " "))
        }
        _ if time_zone.contains("UTC") || time_zone == "Etc/Universal" => "UTC".into(),
        _ => format!("{time_zone} time"),
    }
}

/// [`zone_label`] in a reader's language ("Berlin time", "Zeitzone Berlin").
pub fn zone_label_in(lang: Lang, time_zone: &str) -> String {
    let label = zone_label(time_zone);
    match (lang, label.strip_suffix(" time")) {
        (Lang::De, Some(city)) => format!("Zeitzone {city}"),
        _ => label,
    }
}

/// An instant as a customer reads it, in the calendar's zone with the zone
/// named: "Tuesday 10:00 (Berlin time)", with the date when it is not within
/// the six days after `now` ("Tuesday 12 January 10:00 (Berlin time)").
pub fn customer_time(calendar: &BusinessCalendar, t: Timestamp, now: Timestamp) -> String {
    customer_time_in(Lang::En, calendar, t, now)
}

/// [`customer_time`] in a customer's language: German reads "Dienstag,
/// 10:00 Uhr (Zeitzone Berlin)", "Dienstag, 12. Januar, 10:00 Uhr (…)".
pub fn customer_time_in(
    lang: Lang,
    calendar: &BusinessCalendar,
    t: Timestamp,
    now: Timestamp,
) -> String {
    let local = calendar.local_time(t);
    let today = calendar.local_time(now).date();
    let soon = today
        .until(local.date())
        .is_ok_and(|span| (0..7).contains(&span.get_days()));
    let weekday = crate::i18n::weekday_name(lang, local.weekday());
    let month = crate::i18n::month_name(lang, local.month());
    let time = local.strftime("%H:%M");
    let zone = zone_label_in(lang, &calendar.spec().time_zone);
    match (lang, soon) {
        (Lang::En, true) => format!("{weekday} {time} ({zone})"),
        (Lang::En, false) => format!("{weekday} {} {month} {time} ({zone})", local.day()),
        (Lang::De, soon) => {
            let date = if soon {
                String::new()
            } else {
                format!(" {}. {month},", local.day())
            };
            format!("{weekday},{date} {time} Uhr ({zone})")
        }
    }
}

/// When the desk, open at `at`, closes next: the end of the run of touching
/// open spans that holds `at`; `None` if it runs past the search window.
fn closes_at(calendar: &BusinessCalendar, at: Timestamp) -> Option<Timestamp> {
    let today = calendar.local_time(at).date();
    let mut end: Option<Timestamp> = None;
    for offset in -1..CLOSE_SEARCH_DAYS {
        let date = today.checked_add(offset.days()).ok()?;
        for (start, stop) in calendar.open_spans_on(date) {
            match end {
                None if start <= at && at < stop => end = Some(stop),
                Some(e) if start <= e => end = Some(e.max(stop)),
                Some(e) => return Some(e),
                None => {}
            }
        }
    }
    None
}

impl App {
    /// The posted hours at `at` (default: now): open now, next opening, the
    /// normal week, the next seven days as they will be, and closures for
    /// 30 days, all in the business zone. Public: it is what customers see.
    pub async fn business_hours(&self, at: Option<Timestamp>) -> Result<BusinessHours, AppError> {
        let calendar = self.business_calendar().await?;
        let at = at.unwrap_or_else(Timestamp::now);
        let open_now = calendar.is_open(at);
        let today = calendar.local_time(at).date();
        let moment = |t: Timestamp| Moment::new(&calendar, t, at);
        let days = (0..DAYS_SHOWN)
            .filter_map(|n| today.checked_add(n.days()).ok())
            .map(|date| DayOpen {
                date,
                holidays: calendar
                    .spec()
                    .holidays
                    .iter()
                    .filter(|h| h.rule.falls_on(date))
                    .map(|h| h.name.clone())
                    .collect(),
                open: calendar
                    .open_spans_on(date)
                    .into_iter()
                    .map(|(a, b)| (moment(a), moment(b)))
                    .collect(),
            })
            .collect();
        Ok(BusinessHours {
            calendar: calendar.name().to_string(),
            time_zone: calendar.spec().time_zone.clone(),
            zone_label: zone_label(&calendar.spec().time_zone),
            at,
            local: calendar.local_time(at),
            open_now,
            next_opening: calendar.next_opening(at).map(moment),
            closes_at: if open_now {
                closes_at(&calendar, at).map(moment)
            } else {
                None
            },
            week: calendar.week_hours(),
            days,
            closures: calendar.upcoming_closures(at, CLOSURES_AHEAD_DAYS),
        })
    }

    /// What the acknowledgment promises a request arriving at `at`: counted
    /// in business minutes on the calendar from `at` (or the next opening).
    pub(crate) fn response_promise(
        &self,
        calendar: &BusinessCalendar,
        at: Timestamp,
        minutes: i64,
    ) -> ResponsePromise {
        let opens_at = calendar.next_opening(at).unwrap_or(at);
        // A calendar that never opens again cannot be the default (see
        // `calendars::opens`); should one slip through, real minutes at least.
        let response_by = calendar
            .add_business_minutes(at, minutes)
            .unwrap_or_else(|| opens_at.plus_seconds(minutes.saturating_mul(60)));
        ResponsePromise {
            open_now: calendar.is_open(at),
            opens_at,
            response_by,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rapport_core::CalendarSpec;

    fn at(text: &str) -> Timestamp {
        let zoned: jiff::Zoned = text.parse().unwrap_or_else(|e| panic!("{text}: {e}"));
        Timestamp(zoned.timestamp().as_microsecond())
    }

    #[test]
    fn zones_are_named_as_people_say_them() {
        assert_eq!(zone_label("Europe/Berlin"), "Berlin time");
        assert_eq!(zone_label("America/New_York"), "New York time");
        assert_eq!(
            zone_label("America/Argentina/Buenos_Aires"),
            "Buenos Aires time"
        );
        assert_eq!(zone_label("UTC"), "UTC");
        assert_eq!(zone_label("Etc/UTC"), "UTC");
    }

    #[test]
    fn times_are_shown_in_the_business_zone_with_the_zone_named() -> Result<(), String> {
        let spec = CalendarSpec::office_hours("Office", "Europe/Berlin");
        let cal = BusinessCalendar::new(spec).map_err(|e| e.to_string())?;
        let now = at("2026-12-03T18:30[Europe/Berlin]");
        // 17:30 UTC on Friday is 18:30 in Berlin: never shown as UTC.
        let next = cal.next_opening(now).ok_or("opens")?;
        assert_eq!(customer_time(&cal, next, now), "Friday 09:00 (Berlin time)");
        let far = at("2026-12-15T10:00[Europe/Berlin]");
        assert_eq!(
            customer_time(&cal, far, now),
            "Tuesday 15 December 10:00 (Berlin time)"
        );
        let open = at("2026-12-04T16:00[Europe/Berlin]");
        assert_eq!(
            closes_at(&cal, open),
            Some(at("2026-12-04T17:00[Europe/Berlin]"))
        );
        Ok(())
    }
}
