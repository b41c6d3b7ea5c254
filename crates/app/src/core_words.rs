//! The core's reasons for refusing an address, a tag or a calendar, in the
//! catalogues' words: each kind of reason is a key, its values filled in.
//! The English texts are the core's own (what the API's `message` says).

use crate::Msg;
use rapport_core::calendar::MAX_INTERVALS_PER_DAY;
use rapport_core::calendar::{IcalErrorKind, MAX_ICAL_BYTES};
use rapport_core::{
    CalendarError, DateFault, IcalError, IdentityError, MAX_ICAL_EVENTS, MAX_IDENTITY_BYTES,
    TagError, TimeRange, Weekday,
};
use std::borrow::Cow;

/// Why a value is not an address, a phone number or a handle.
pub fn identity_words(error: &IdentityError) -> Msg {
    match error {
        IdentityError::TooLong { bytes } => {
            msg!(
                "error.identity.too_long",
                bytes = bytes,
                max = MAX_IDENTITY_BYTES
            )
        }
        IdentityError::NoAt(v) => msg!("error.identity.no_at", value = format!("{v:?}")),
        IdentityError::NotEmail(v) => msg!("error.identity.not_email", value = format!("{v:?}")),
        IdentityError::NotPhone(v) => msg!("error.identity.not_phone", value = format!("{v:?}")),
        IdentityError::PhoneTooShort(v) => {
            msg!("error.identity.phone_short", value = format!("{v:?}"))
        }
        IdentityError::NotHandle(v) => msg!("error.identity.not_handle", value = format!("{v:?}")),
    }
}

/// Why a text cannot be a tag.
pub fn tag_words(error: &TagError) -> Msg {
    match error {
        TagError::Length(t) => msg!("error.tag.length", tag = format!("{t:?}")),
        TagError::Characters(t) => msg!("error.tag.characters", tag = format!("{t:?}")),
    }
}

/// Why a calendar is not valid.
pub fn calendar_words(error: &CalendarError) -> Msg {
    let day = |d: &Weekday| day_words(*d);
    match error {
        CalendarError::UnknownTimeZone { name } => {
            msg!("error.calendar.zone", name = format!("{name:?}"))
        }
        CalendarError::EmptyInterval { day: d, range } => msg!("error.calendar.empty")
            .with_list("range", vec![range_words(range)])
            .with_list("day", vec![day(d)]),
        CalendarError::NotWholeMinute { day: d, range } => msg!("error.calendar.whole_minute")
            .with_list("range", vec![range_words(range)])
            .with_list("day", vec![day(d)]),
        CalendarError::OverlappingHours {
            day: d,
            first,
            second,
        } => msg!("error.calendar.overlap")
            .with_list("first", vec![range_words(first)])
            .with_list("second", vec![range_words(second)])
            .with_list("day", vec![day(d)]),
        CalendarError::TooManyIntervals { day: d } => {
            msg!("error.calendar.too_many", max = MAX_INTERVALS_PER_DAY)
                .with_list("day", vec![day(d)])
        }
        CalendarError::InvalidHoliday { name, detail } => {
            msg!("error.calendar.holiday", name = format!("{name:?}"))
                .with_list("detail", vec![fault_words(*detail)])
        }
        CalendarError::InvalidClosure { reason, detail } => {
            msg!("error.calendar.closure", reason = format!("{reason:?}"))
                .with_list("detail", vec![fault_words(*detail)])
        }
        other => Msg::detail(other.to_string()),
    }
}

/// Why an iCalendar file could not be read, and on which line. The
/// parser's technical reasons (which property, what syntax it expected)
/// are carried as they are inside the sentence.
pub fn ical_words(error: &IcalError) -> Msg {
    let reason = match &error.kind {
        IcalErrorKind::TooLarge { bytes } => {
            msg!("error.ical.too_large", bytes = bytes, max = MAX_ICAL_BYTES)
        }
        IcalErrorKind::TooManyEvents => msg!("error.ical.too_many_events", max = MAX_ICAL_EVENTS),
        IcalErrorKind::Malformed(why) => msg!("error.ical.malformed", why = why),
        IcalErrorKind::MissingCalendar => msg!("error.ical.missing_calendar"),
        IcalErrorKind::Unterminated { component } => {
            msg!("error.ical.unterminated", component = component)
        }
        IcalErrorKind::MismatchedEnd { expected, found } => {
            msg!(
                "error.ical.mismatched_end",
                expected = expected,
                found = found
            )
        }
        IcalErrorKind::MissingProperty { property } => {
            msg!("error.ical.missing_property", property = property)
        }
        IcalErrorKind::DuplicateProperty { property } => {
            msg!("error.ical.duplicate_property", property = property)
        }
        IcalErrorKind::BadValue {
            property,
            value,
            why,
        } => msg!(
            "error.ical.bad_value",
            property = property,
            value = format!("{value:?}"),
            why = why
        ),
        IcalErrorKind::UnknownTimeZone { name } => {
            msg!("error.calendar.zone", name = format!("{name:?}"))
        }
        IcalErrorKind::Unsupported(what) => msg!("error.ical.unsupported", what = what),
        IcalErrorKind::Invalid(invalid) => calendar_words(invalid),
        other => Msg::detail(other.to_string()),
    };
    msg!("error.ical.at", line = error.line).with_list("reason", vec![reason])
}

/// An opening interval as "22:00-02:00", with "(+1 day)" in the reader's
/// words when it runs past midnight.
fn range_words(range: &TimeRange) -> Msg {
    let plain = format!(
        "{:02}:{:02}-{:02}:{:02}",
        range.start.hour(),
        range.start.minute(),
        range.end.hour(),
        range.end.minute()
    );
    if range.ends_next_day() {
        msg!("error.calendar.next_day", range = plain)
    } else {
        Msg::detail(plain)
    }
}

/// A weekday as the hours of a calendar name it (`monday` in English).
fn day_words(day: Weekday) -> Msg {
    Msg {
        key: Cow::Owned(format!("error.calendar.day.{}", day.as_str())),
        args: Vec::new(),
        lists: Vec::new(),
    }
}

/// What is wrong with a holiday's or a closure's dates.
fn fault_words(fault: DateFault) -> Msg {
    match fault {
        DateFault::DateOutsideYears => msg!("error.calendar.date_outside_years"),
        DateFault::BadMonth => msg!("error.calendar.bad_month"),
        DateFault::NoSuchDay => msg!("error.calendar.no_such_day"),
        DateFault::NotWholeSeconds => msg!("error.calendar.not_whole_seconds"),
        DateFault::EndsBeforeStart => msg!("error.calendar.ends_before_start"),
        DateFault::OutsideYears => msg!("error.calendar.outside_years"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{LANGS, Lang};
    use jiff::civil::time;

    /// The sentence is in every catalogue, reads as the core's English in
    /// English, and in German is German (no English, no `{name}` left).
    fn reads(sentence: &Msg, english: &str) {
        for lang in LANGS {
            assert!(Lang::has(&sentence.key), "{} for {english}", sentence.key);
            assert_ne!(lang.text(&sentence.key), "?", "{}", sentence.key);
        }
        assert_eq!(sentence.text(Lang::En), english);
        let german = sentence.text(Lang::De);
        assert_ne!(german, english);
        assert!(!german.contains('{'), "{german}");
    }

    #[test]
    fn every_reason_of_the_core_reads_in_english_as_the_core_says_it_and_in_german() {
        let v = || "ann".to_string();
        for e in [
            IdentityError::TooLong { bytes: 999 },
            IdentityError::NoAt(v()),
            IdentityError::NotEmail(v()),
            IdentityError::NotPhone(v()),
            IdentityError::PhoneTooShort(v()),
            IdentityError::NotHandle(v()),
        ] {
            reads(&identity_words(&e), &e.to_string());
        }
        for e in [
            TagError::Length(String::new()),
            TagError::Characters("a b".into()),
        ] {
            reads(&tag_words(&e), &e.to_string());
        }
        let range = TimeRange::new(time(9, 0, 0, 0), time(17, 0, 0, 0));
        let mut calendars = vec![
            CalendarError::UnknownTimeZone {
                name: "Mars/Olympus".into(),
            },
            CalendarError::EmptyInterval {
                day: Weekday::Monday,
                range,
            },
            CalendarError::NotWholeMinute {
                day: Weekday::Sunday,
                range,
            },
            CalendarError::OverlappingHours {
                day: Weekday::Friday,
                first: range,
                second: range,
            },
            CalendarError::TooManyIntervals {
                day: Weekday::Tuesday,
            },
        ];
        for fault in [
            DateFault::DateOutsideYears,
            DateFault::BadMonth,
            DateFault::NoSuchDay,
            DateFault::NotWholeSeconds,
            DateFault::EndsBeforeStart,
            DateFault::OutsideYears,
        ] {
            calendars.push(CalendarError::InvalidHoliday {
                name: "Xmas".into(),
                detail: fault,
            });
            calendars.push(CalendarError::InvalidClosure {
                reason: "Move".into(),
                detail: fault,
            });
        }
        // An interval past midnight says so in the reader's words.
        let late = TimeRange::new(time(22, 0, 0, 0), time(2, 0, 0, 0));
        let overlap = CalendarError::OverlappingHours {
            day: Weekday::Saturday,
            first: late,
            second: range,
        };
        assert!(
            calendar_words(&overlap)
                .text(Lang::De)
                .contains("22:00-02:00 (+1 Tag)")
        );
        calendars.push(overlap);
        for e in calendars {
            reads(&calendar_words(&e), &e.to_string());
        }
        for day in Weekday::ALL {
            assert_ne!(day_words(day).text(Lang::De), day.as_str());
        }
    }

    #[test]
    fn every_icalendar_reason_reads_as_the_parser_says_it_and_in_german() {
        let text = || "X".to_string();
        for kind in [
            IcalErrorKind::TooLarge { bytes: 2_000_000 },
            IcalErrorKind::TooManyEvents,
            IcalErrorKind::Malformed("no ':' between property name and value"),
            IcalErrorKind::MissingCalendar,
            IcalErrorKind::Unterminated {
                component: "VEVENT".into(),
            },
            IcalErrorKind::MismatchedEnd {
                expected: "VEVENT".into(),
                found: "VCALENDAR".into(),
            },
            IcalErrorKind::MissingProperty {
                property: "DTSTART",
            },
            IcalErrorKind::DuplicateProperty { property: text() },
            IcalErrorKind::BadValue {
                property: "DTSTART".into(),
                value: "2026-13-01".into(),
                why: "expected a DATE like 20261224",
            },
            IcalErrorKind::UnknownTimeZone {
                name: "Mars/Olympus".into(),
            },
            IcalErrorKind::Unsupported("the RRULE part BYSETPOS=1".into()),
            IcalErrorKind::Invalid(CalendarError::TooManyIntervals {
                day: Weekday::Monday,
            }),
        ] {
            let error = IcalError { line: 7, kind };
            let words = ical_words(&error);
            reads(&words, &error.to_string());
            assert!(words.text(Lang::De).starts_with("iCalendar-Zeile 7: "));
        }
        // What the parser says of a real file.
        let error = rapport_core::CalendarSpec::from_ical("X-NOTE:hello", "UTC")
            .err()
            .map(|e| ical_words(&e).text(Lang::De));
        assert_eq!(
            error.as_deref(),
            Some("iCalendar-Zeile 1: BEGIN:VCALENDAR erwartet")
        );
    }
}
