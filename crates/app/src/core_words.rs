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
