//! Property values: DATE, DATE-TIME, DURATION, RRULE and BYDAY items.

use super::IcalError;
use super::IcalErrorKind;
use super::import::{When, Zone};
use super::lex::Line;
use crate::calendar::civil::{self, DAY};
use crate::calendar::spec::Weekday;
use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;

/// The parts of an RRULE this reader understands.
pub(super) struct Rrule {
    /// `FREQ`, uppercased.
    pub freq: String,
    /// `BYMONTH`, if any.
    pub bymonth: Option<String>,
    /// `BYMONTHDAY`, if any.
    pub bymonthday: Option<String>,
    /// `BYDAY`, if any.
    pub byday: Option<String>,
}

impl Rrule {
    /// Reads an RRULE line.
    pub(super) fn parse(line: &Line) -> Result<Self, IcalError> {
        let mut rule = Rrule {
            freq: String::new(),
            bymonth: None,
            bymonthday: None,
            byday: None,
        };
        for part in line.value.trim().split(';').filter(|p| !p.is_empty()) {
            let (key, value) = part
                .split_once('=')
                .ok_or_else(|| line.bad_value("RRULE parts are NAME=VALUE"))?;
            let value = value.trim().to_ascii_uppercase();
            match key.trim().to_ascii_uppercase().as_str() {
                "FREQ" => rule.freq = value,
                "INTERVAL" if value == "1" => {}
                "WKST" => {}
                "BYMONTH" => rule.bymonth = Some(value),
                "BYMONTHDAY" => rule.bymonthday = Some(value),
                "BYDAY" => rule.byday = Some(value),
                other => return Err(line.unsupported(&format!("the RRULE part {other}={value}"))),
            }
        }
        if rule.freq.is_empty() {
            return Err(line.bad_value("an RRULE needs FREQ"));
        }
        Ok(rule)
    }
}

/// `MO`, `-1MO`, `4TH`, `+2SU`: the optional ordinal and the weekday.
pub(super) fn byday_item(item: &str) -> Option<(Option<i8>, Weekday)> {
    let item = item.trim();
    let split = item.len().checked_sub(2)?;
    let (ordinal, code) = (item.get(..split)?, item.get(split..)?);
    let weekday = match code {
        "MO" => Weekday::Monday,
        "TU" => Weekday::Tuesday,
        "WE" => Weekday::Wednesday,
        "TH" => Weekday::Thursday,
        "FR" => Weekday::Friday,
        "SA" => Weekday::Saturday,
        "SU" => Weekday::Sunday,
        _ => return None,
    };
    if ordinal.is_empty() {
        return Some((None, weekday));
    }
    let ordinal = ordinal.strip_prefix('+').unwrap_or(ordinal);
    Some((Some(ordinal.parse().ok()?), weekday))
}

/// A DATE or DATE-TIME value in the calendar's terms.
pub(super) fn when(line: &Line, zone: &Zone<'_>) -> Result<When, IcalError> {
    let value = line.value.trim();
    let is_date = line
        .param("VALUE")
        .is_some_and(|v| v.eq_ignore_ascii_case("DATE"))
        || (value.len() == 8 && !value.contains(['T', 't']));
    if is_date {
        return parse_date(value)
            .map(When::Date)
            .ok_or_else(|| line.bad_value("expected a DATE like 20261224"));
    }
    let (text, utc) = match value.strip_suffix(['Z', 'z']) {
        Some(text) => (text, true),
        None => (value, false),
    };
    let dt = parse_datetime(text)
        .ok_or_else(|| line.bad_value("expected a DATE-TIME like 20261224T090000"))?;
    let source = if utc {
        TimeZone::UTC
    } else {
        match line
            .param("TZID")
            .map(|id| id.trim().trim_start_matches('/'))
        {
            None => return Ok(When::Local(dt, 0)),
            Some(name) if name == zone.name => return Ok(When::Local(dt, 0)),
            Some(name) => TimeZone::get(name).map_err(|_| {
                line.error(IcalErrorKind::UnknownTimeZone {
                    name: name.to_owned(),
                })
            })?,
        }
    };
    let instant = source
        .to_ambiguous_timestamp(dt)
        .compatible()
        .map_err(|_| line.bad_value("the time is out of range"))?;
    let local = zone.tz.to_datetime(instant);
    let shift = civil::day_of(local.date()) - civil::day_of(dt.date());
    Ok(When::Local(local, shift))
}

fn digits(text: &str, range: std::ops::Range<usize>) -> Option<i16> {
    let part = text.get(range)?;
    if !part.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    part.parse().ok()
}

/// `YYYYMMDD`.
fn parse_date(text: &str) -> Option<Date> {
    if text.len() != 8 {
        return None;
    }
    let month = i8::try_from(digits(text, 4..6)?).ok()?;
    let day = i8::try_from(digits(text, 6..8)?).ok()?;
    Date::new(digits(text, 0..4)?, month, day).ok()
}

/// `YYYYMMDDTHHMMSS`.
fn parse_datetime(text: &str) -> Option<DateTime> {
    if text.len() != 15 || !matches!(text.as_bytes().get(8), Some(b'T' | b't')) {
        return None;
    }
    let date = parse_date(text.get(..8)?)?;
    let part = |r| digits(text, r).and_then(|v| i8::try_from(v).ok());
    let time = jiff::civil::Time::new(part(9..11)?, part(11..13)?, part(13..15)?, 0).ok()?;
    Some(date.to_datetime(time))
}

/// An RFC 5545 DURATION (`P1D`, `PT8H30M`, `P2W`) in microseconds.
pub(super) fn duration(line: &Line) -> Result<i64, IcalError> {
    let bad = || line.bad_value("expected a positive DURATION like PT8H or P1D");
    let value = line.value.trim();
    let value = value.strip_prefix('+').unwrap_or(value);
    let rest = value.strip_prefix(['P', 'p']).ok_or_else(bad)?;
    let (mut total, mut number, mut in_time, mut any) = (0i64, String::new(), false, false);
    for c in rest.chars().map(|c| c.to_ascii_uppercase()) {
        if c.is_ascii_digit() {
            number.push(c);
            if number.len() > 9 {
                return Err(bad());
            }
            continue;
        }
        if c == 'T' && !in_time && number.is_empty() {
            in_time = true;
            continue;
        }
        let n: i64 = number.parse().map_err(|_| bad())?;
        number.clear();
        let unit = match (in_time, c) {
            (false, 'W') => 7 * DAY,
            (false, 'D') => DAY,
            (true, 'H') => 3_600_000_000,
            (true, 'M') => civil::MINUTE,
            (true, 'S') => 1_000_000,
            _ => return Err(bad()),
        };
        total = n
            .checked_mul(unit)
            .and_then(|v| total.checked_add(v))
            .ok_or_else(bad)?;
        any = true;
    }
    if !number.is_empty() || !any || total <= 0 {
        return Err(bad());
    }
    Ok(total)
}
