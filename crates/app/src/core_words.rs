//! The core's reasons for refusing an address, a tag or a calendar, in the
//! catalogues' words: each kind of reason is a key, its values filled in.
//! The English texts are the core's own (what the API's `message` says).

use crate::Msg;
use rapport_core::calendar::MAX_INTERVALS_PER_DAY;
use rapport_core::{
    CalendarError, DateFault, IdentityError, MAX_IDENTITY_BYTES, TagError, Weekday,
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
        CalendarError::EmptyInterval { day: d, range } => {
            msg!("error.calendar.empty", range = range).with_list("day", vec![day(d)])
        }
        CalendarError::NotWholeMinute { day: d, range } => {
            msg!("error.calendar.whole_minute", range = range).with_list("day", vec![day(d)])
        }
        CalendarError::OverlappingHours {
            day: d,
            first,
            second,
        } => msg!("error.calendar.overlap", first = first, second = second)
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
    use rapport_core::TimeRange;

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
        for e in calendars {
            reads(&calendar_words(&e), &e.to_string());
        }
        for day in Weekday::ALL {
            assert_ne!(day_words(day).text(Lang::De), day.as_str());
        }
    }
}
